;; Squared L2 distances of 32-dimensional float32 rows to one query, four dimensions per SIMD lane group.
;;
;; The result is an APPROXIMATION (float32 arithmetic, lanes summed in another order than dimension order): the
;; planner only uses it to skip rows that are certainly too far, then computes the exact float64 distance
;; (`squaredDistance`) of every row it keeps. See approx-distances.ts for the error bound that makes this safe.
;;
;; Compiled into approx-distances-binary.ts by `npm run build:wasm` (a test checks the two agree).
(module
  (import "env" "memory" (memory 1))

  ;; out[r] = Σ_j (row_r[j] − query[j])² for r in [0, rows): row r at vectors + r × 128 bytes, one float32 to
  ;; out + r × 4. `query` holds the 32 query values (128 bytes, 16-byte aligned).
  (func (export "distances") (param $vectors i32) (param $rows i32) (param $query i32) (param $out i32)
    (local $q0 v128) (local $q1 v128) (local $q2 v128) (local $q3 v128)
    (local $q4 v128) (local $q5 v128) (local $q6 v128) (local $q7 v128)
    (local $sum v128) (local $d v128) (local $end i32)
    ;; The query stays in eight registers for the whole pass.
    (local.set $q0 (v128.load offset=0 (local.get $query)))
    (local.set $q1 (v128.load offset=16 (local.get $query)))
    (local.set $q2 (v128.load offset=32 (local.get $query)))
    (local.set $q3 (v128.load offset=48 (local.get $query)))
    (local.set $q4 (v128.load offset=64 (local.get $query)))
    (local.set $q5 (v128.load offset=80 (local.get $query)))
    (local.set $q6 (v128.load offset=96 (local.get $query)))
    (local.set $q7 (v128.load offset=112 (local.get $query)))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $rows) (i32.const 2))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        ;; Lane l sums dimensions l, l+4, …, l+28; the four lanes are added at the end.
        (local.set $d (f32x4.sub (v128.load offset=0 (local.get $vectors)) (local.get $q0)))
        (local.set $sum (f32x4.mul (local.get $d) (local.get $d)))
        (local.set $d (f32x4.sub (v128.load offset=16 (local.get $vectors)) (local.get $q1)))
        (local.set $sum (f32x4.add (local.get $sum) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $d (f32x4.sub (v128.load offset=32 (local.get $vectors)) (local.get $q2)))
        (local.set $sum (f32x4.add (local.get $sum) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $d (f32x4.sub (v128.load offset=48 (local.get $vectors)) (local.get $q3)))
        (local.set $sum (f32x4.add (local.get $sum) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $d (f32x4.sub (v128.load offset=64 (local.get $vectors)) (local.get $q4)))
        (local.set $sum (f32x4.add (local.get $sum) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $d (f32x4.sub (v128.load offset=80 (local.get $vectors)) (local.get $q5)))
        (local.set $sum (f32x4.add (local.get $sum) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $d (f32x4.sub (v128.load offset=96 (local.get $vectors)) (local.get $q6)))
        (local.set $sum (f32x4.add (local.get $sum) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $d (f32x4.sub (v128.load offset=112 (local.get $vectors)) (local.get $q7)))
        (local.set $sum (f32x4.add (local.get $sum) (f32x4.mul (local.get $d) (local.get $d))))
        (f32.store (local.get $out)
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $sum)) (f32x4.extract_lane 1 (local.get $sum)))
            (f32.add (f32x4.extract_lane 2 (local.get $sum)) (f32x4.extract_lane 3 (local.get $sum)))))
        (local.set $vectors (i32.add (local.get $vectors) (i32.const 128)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $row))))
)
