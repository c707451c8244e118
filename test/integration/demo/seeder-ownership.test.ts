import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { seedDemoData } from '../../../main/demo/seeder.ts';
import { DemoSchemaNotOursError } from '../../../main/demo/demo-schema-ownership.ts';
import { toContractError } from '../../../main/engine/engine-errors.ts';

/**
 * Seeding never touches what it did not create: a `unified` schema that holds anything Hotpath did not make
 * is refused, with the object named, and left as it was. A schema Hotpath made is re-used and re-seeded.
 */
const CHUNKS = 200;
const OUR_CHUNK_COLUMNS = `id bigint NOT NULL PRIMARY KEY, system_origin text NOT NULL, session_id bigint NOT NULL,
  created_at timestamptz NOT NULL, kind text NOT NULL, tokens integer NOT NULL, content text NOT NULL, embedding real[] NOT NULL`;

async function refusal(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the seed to be refused');
}

describe.each(TEST_SERVERS)('seeding only what Hotpath created, on %s', (server) => {
  let db: TestDatabase;
  let pool: pg.Pool;
  const count = async (table: string): Promise<number> => Number((await pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

  beforeEach(async () => {
    db = await createTestDatabase(server);
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
  });
  afterEach(async () => {
    await pool?.end();
    await db?.drop();
  });
  afterAll(() => undefined);

  it("refuses a user's own unified.chunks and leaves its 500 rows (the issue's reproduction)", async () => {
    await pool.query('CREATE SCHEMA unified');
    await pool.query('CREATE TABLE unified.chunks (id bigint PRIMARY KEY, body text)');
    await pool.query("INSERT INTO unified.chunks SELECT g, 'mine' FROM generate_series(1, 500) g");
    const error = await refusal(seedDemoData(pool, { chunks: CHUNKS }));
    expect(error).toBeInstanceOf(DemoSchemaNotOursError);
    expect(error.message).toMatch(/schema "unified" was not created by Hotpath/);
    expect(error.message).toMatch(/table unified\.chunks/);
    expect((error as DemoSchemaNotOursError).hint).toMatch(/another database|drop/i);
    // What demo.seed (and so --seed and the local stack's first start) answers.
    expect(toContractError(error)).toMatchObject({
      code: 'demo-schema-not-ours',
      message: error.message,
      hint: (error as DemoSchemaNotOursError).hint,
    });
    expect(await count('unified.chunks')).toBe(500);
    expect((await pool.query("SELECT to_regclass('unified.seed_state') AS t")).rows[0].t).toBeNull();
  });

  it("refuses a user's table even when its columns are exactly the demo's", async () => {
    await pool.query('CREATE SCHEMA unified');
    await pool.query(`CREATE TABLE unified.chunks (${OUR_CHUNK_COLUMNS})`);
    await pool.query("INSERT INTO unified.chunks SELECT g, 'o', 1, now(), 'k', 1, 'c', '{}' FROM generate_series(1, 500) g");
    await expect(seedDemoData(pool, { chunks: CHUNKS })).rejects.toThrow(/table unified\.chunks/);
    expect(await count('unified.chunks')).toBe(500);
  });

  it('refuses an empty unified schema someone else created, and creates nothing in it', async () => {
    await pool.query('CREATE SCHEMA unified');
    await expect(seedDemoData(pool, { chunks: CHUNKS })).rejects.toThrow(/schema "unified" was not created by Hotpath/);
    expect((await pool.query("SELECT count(*)::int AS n FROM pg_class WHERE relnamespace = 'unified'::regnamespace")).rows[0].n).toBe(0);
  });

  describe('in a schema Hotpath created', () => {
    beforeEach(async () => {
      await seedDemoData(pool, { chunks: CHUNKS });
    });

    it('re-uses it, and re-seeds it when forced (as before), with its own indexes on its tables allowed', async () => {
      await pool.query('CREATE INDEX hp_chunks_kind ON unified.chunks (kind)');
      expect((await seedDemoData(pool, { chunks: CHUNKS })).reused).toBe(true);
      const forced = await seedDemoData(pool, { chunks: CHUNKS, force: true });
      expect(forced).toMatchObject({ reused: false, chunks: CHUNKS });
      expect(await count('unified.chunks')).toBe(CHUNKS);
    });

    it('adopts a schema an earlier Hotpath made before objects were marked, and re-uses it', async () => {
      await pool.query(
        'COMMENT ON SCHEMA unified IS NULL; COMMENT ON TABLE unified.chunks IS NULL; COMMENT ON TABLE unified.edges IS NULL; COMMENT ON TABLE unified.seed_state IS NULL',
      );
      expect((await seedDemoData(pool, { chunks: CHUNKS })).reused).toBe(true);
      expect((await pool.query("SELECT obj_description('unified'::regnamespace, 'pg_namespace') AS c")).rows[0].c).toMatch(/Hotpath/);
    });

    const intruders: [string, string, RegExp][] = [
      ['an extra table', 'CREATE TABLE unified.notes (id int)', /table unified\.notes/],
      ['a view', 'CREATE VIEW unified.recent AS SELECT id FROM unified.chunks', /view unified\.recent/],
      ['a materialized view', 'CREATE MATERIALIZED VIEW unified.mv AS SELECT 1 AS one', /materialized view unified\.mv/],
      ['a sequence', 'CREATE SEQUENCE unified.counter', /sequence unified\.counter/],
      ['a function', 'CREATE FUNCTION unified.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$', /function unified\.f/],
      ['a type', "CREATE TYPE unified.mood AS ENUM ('ok')", /type unified\.mood/],
      ['a column added to a demo table', 'ALTER TABLE unified.chunks ADD COLUMN mine text', /unified\.chunks.*column "mine"/],
      [
        'a demo table with a column of another type',
        'ALTER TABLE unified.edges ALTER COLUMN weight TYPE double precision',
        /unified\.edges.*"weight"/,
      ],
      [
        'a trigger on a demo table',
        `CREATE FUNCTION public.noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
        CREATE TRIGGER mine BEFORE INSERT ON unified.chunks FOR EACH ROW EXECUTE FUNCTION public.noop()`,
        /trigger "mine" on unified\.chunks/,
      ],
      [
        'a demo table replaced by a user table of the same shape',
        `DROP TABLE unified.chunks; CREATE TABLE unified.chunks (${OUR_CHUNK_COLUMNS})`,
        /table unified\.chunks/,
      ],
    ];
    it("refuses, naming it, when a user's table inherits from unified.chunks, and keeps that table's rows", async () => {
      await pool.query('CREATE TABLE public.my_chunks (note text) INHERITS (unified.chunks)');
      await pool.query(
        "INSERT INTO public.my_chunks SELECT id + 1000000, system_origin, session_id, created_at, kind, tokens, content, embedding, 'mine' FROM unified.chunks LIMIT 50",
      );
      const error = await refusal(seedDemoData(pool, { chunks: CHUNKS, force: true }));
      expect(error).toBeInstanceOf(DemoSchemaNotOursError);
      expect(error.message).toMatch(/public\.my_chunks inherits from unified\.chunks/);
      expect(await count('ONLY public.my_chunks')).toBe(50);
      expect(await count('ONLY unified.chunks')).toBe(CHUNKS);
    });

    it('refuses, naming it, when a demo table inherits from a table of the user', async () => {
      await pool.query('CREATE TABLE public.base (); ALTER TABLE unified.edges INHERIT public.base');
      const error = await refusal(seedDemoData(pool, { chunks: CHUNKS, force: true }));
      expect(error.message).toMatch(/unified\.edges inherits from public\.base/);
    });

    it('refuses, naming it, when a demo table is a partition of a table of the user', async () => {
      await pool.query(`CREATE TABLE public.all_state (LIKE unified.seed_state) PARTITION BY LIST (singleton);
        ALTER TABLE public.all_state ATTACH PARTITION unified.seed_state DEFAULT`);
      const error = await refusal(seedDemoData(pool, { chunks: CHUNKS, force: true }));
      expect(error.message).toMatch(/unified\.seed_state inherits from public\.all_state/);
    });

    it('sees an inheriting table created while the check runs: the check and the TRUNCATE hold one lock', async () => {
      const other = new pg.Client({ connectionString: db.url });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query('CREATE TABLE public.late_chunks () INHERITS (unified.chunks)');
        await other.query('INSERT INTO public.late_chunks SELECT * FROM unified.chunks LIMIT 7');
        const seeding = refusal(seedDemoData(pool, { chunks: CHUNKS, force: true }));
        // Wait until the seeder queues behind this transaction's lock on unified.chunks, then commit the child.
        for (;;) {
          const { rows } = await pool.query(
            "SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 'unified.chunks'::regclass",
          );
          if (rows[0].n > 0) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await other.query('COMMIT');
        const error = await seeding;
        expect(error).toBeInstanceOf(DemoSchemaNotOursError);
        expect(error.message).toMatch(/public\.late_chunks inherits from unified\.chunks/);
        expect(await count('ONLY public.late_chunks')).toBe(7);
      } finally {
        await other.end();
      }
    });

    for (const [what, sql, named] of intruders) {
      it(`refuses it when it holds ${what}, naming it, and changes nothing`, async () => {
        await pool.query(sql);
        const before = await count('unified.chunks');
        const error = await refusal(seedDemoData(pool, { chunks: CHUNKS, force: true }));
        expect(error).toBeInstanceOf(DemoSchemaNotOursError);
        expect(error.message).toMatch(named);
        expect(await count('unified.chunks')).toBe(before);
      });
    }
  });
});
