/**
 * A small, forgiving parser for the expressions EXPLAIN prints in "Filter", "Index Cond", "Recheck Cond",
 * "Hash Cond", "Sort Key" and friends, e.g. `((system_origin = $1) AND (created_at >= ($2)::timestamp with time zone))`.
 * It never throws: anything it does not understand becomes an `opaque` node, so one exotic construct (a SubPlan,
 * a CASE, a row comparison) costs us that one predicate, not the statement.
 */

export type Expr =
  | { kind: 'and' | 'or'; args: Expr[] }
  | { kind: 'not'; arg: Expr }
  | { kind: 'op'; op: string; left: Expr; right: Expr }
  | { kind: 'null-test'; arg: Expr; negated: boolean }
  | { kind: 'column'; qualifier: string | null; name: string }
  | { kind: 'param'; index: number }
  | { kind: 'const'; text: string }
  | { kind: 'cast'; arg: Expr; type: string }
  | { kind: 'func'; name: string; args: Expr[] }
  | { kind: 'any'; op: string; left: Expr; right: Expr }
  | { kind: 'opaque'; text: string };

interface Token {
  type: 'ident' | 'qident' | 'string' | 'number' | 'param' | 'op' | 'punct' | 'word';
  text: string;
  /** For identifiers: the name with quotes removed and doubled quotes undone. */
  value: string;
}

const KEYWORDS = new Set([
  'and',
  'or',
  'not',
  'is',
  'null',
  'true',
  'false',
  'any',
  'all',
  'some',
  'array',
  'case',
  'when',
  'then',
  'else',
  'end',
  'like',
  'ilike',
  'in',
  'distinct',
  'from',
  'nulls',
  'first',
  'last',
  'asc',
  'desc',
  'similar',
  'to',
]);
const OPERATOR_CHARS = '+-*/<>=~!@#%^&|`?';

/** Splits EXPLAIN's expression text into tokens; quoted identifiers keep spaces, quotes and case. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    for (const reader of TOKEN_READERS) {
      const read = reader(text, i);
      if (read) {
        tokens.push(read.token);
        i = read.end;
        break;
      }
    }
  }
  return tokens;
}

/** One kind of token: the token that starts at `i` and where it ends, or null when the text there is not one. */
type TokenReader = (text: string, i: number) => { token: Token; end: number } | null;

/** `"quoted identifier"`: its value without the quotes, `""` read as one quote. */
const readQuotedIdent: TokenReader = (text, i) => {
  if (text[i] !== '"') return null;
  let j = i + 1;
  let value = '';
  while (j < text.length) {
    if (text[j] === '"') {
      if (text[j + 1] === '"') {
        value += '"';
        j += 2;
        continue;
      }
      break;
    }
    value += text[j];
    j++;
  }
  return { token: { type: 'qident', text: text.slice(i, j + 1), value }, end: j + 1 };
};

/** `'literal'` (a doubled quote inside) or `E'escaped\'literal'` (backslash escapes too), kept as written. */
const readString: TokenReader = (text, i) => {
  const c = text[i];
  const escaped = (c === 'E' || c === 'e') && text[i + 1] === "'";
  if (c !== "'" && !escaped) return null;
  let j = escaped ? i + 2 : i + 1;
  while (j < text.length) {
    if (text[j] === '\\' && escaped) {
      j += 2;
      continue;
    }
    if (text[j] === "'") {
      if (text[j + 1] === "'") {
        j += 2;
        continue;
      }
      break;
    }
    j++;
  }
  const literal = text.slice(i, j + 1);
  return { token: { type: 'string', text: literal, value: literal }, end: j + 1 };
};

/** `$1`: its value is the number. */
const readParam: TokenReader = (text, i) => {
  if (text[i] !== '$' || !/\d/.test(text[i + 1] ?? '')) return null;
  let j = i + 1;
  while (/\d/.test(text[j] ?? '')) j++;
  return { token: { type: 'param', text: text.slice(i, j), value: text.slice(i + 1, j) }, end: j };
};

const readNumber: TokenReader = (text, i) => {
  if (!/\d/.test(text[i]!) && !(text[i] === '.' && /\d/.test(text[i + 1] ?? ''))) return null;
  const m = /^\d*\.?\d+(?:[eE][+-]?\d+)?|^\d+\./.exec(text.slice(i))!;
  return { token: { type: 'number', text: m[0], value: m[0] }, end: i + m[0].length };
};

/** A name, or one of the KEYWORDS. */
const readWord: TokenReader = (text, i) => {
  if (!/[A-Za-z_\u0080-\uffff]/.test(text[i]!)) return null;
  let j = i;
  while (j < text.length && /[A-Za-z0-9_$\u0080-\uffff]/.test(text[j]!)) j++;
  const word = text.slice(i, j);
  return { token: { type: KEYWORDS.has(word.toLowerCase()) ? 'word' : 'ident', text: word, value: word }, end: j };
};

/** `::` (a cast) or one of `(),[].;:`. */
const readPunct: TokenReader = (text, i) => {
  const punct = text.startsWith('::', i) ? '::' : '(),[].;:'.includes(text[i]!) ? text[i]! : null;
  return punct === null ? null : { token: { type: 'punct', text: punct, value: punct }, end: i + punct.length };
};

/** A run of OPERATOR_CHARS; any other character is an operator of its own, so that every text is read. */
const readOperator: TokenReader = (text, i) => {
  let j = i;
  while (j < text.length && OPERATOR_CHARS.includes(text[j]!)) j++;
  if (j === i) j = i + 1;
  return { token: { type: 'op', text: text.slice(i, j), value: text.slice(i, j) }, end: j };
};

/** Tried in this order at each position; the last always reads something. */
const TOKEN_READERS: readonly TokenReader[] = [readQuotedIdent, readString, readParam, readNumber, readWord, readPunct, readOperator];

const COMPARISON = new Set(['=', '<>', '!=', '<', '>', '<=', '>=', '~~', '!~~', '~~*', '!~~*', '@>', '<@', '&&']);
/** Multi-word type names that EXPLAIN prints after `::`. */
const TYPE_WORDS = new Set(['with', 'without', 'time', 'zone', 'varying', 'precision']);

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }
  private isWord(word: string, offset = 0): boolean {
    return this.peek(offset)?.type === 'word' && this.peek(offset)!.value.toLowerCase() === word;
  }
  private isPunct(p: string): boolean {
    return this.peek()?.type === 'punct' && this.peek()!.value === p;
  }
  done(): boolean {
    return this.pos >= this.tokens.length;
  }

  parseOr(): Expr {
    const args = [this.parseAnd()];
    while (this.isWord('or')) {
      this.pos++;
      args.push(this.parseAnd());
    }
    return args.length === 1 ? args[0]! : { kind: 'or', args };
  }

  private parseAnd(): Expr {
    const args = [this.parseNot()];
    while (this.isWord('and')) {
      this.pos++;
      args.push(this.parseNot());
    }
    return args.length === 1 ? args[0]! : { kind: 'and', args };
  }

  private parseNot(): Expr {
    if (this.isWord('not')) {
      this.pos++;
      return { kind: 'not', arg: this.parseNot() };
    }
    return this.parseComparison();
  }

  private parseComparison(): Expr {
    const left = this.parseArithmetic();
    const t = this.peek();
    if (this.isWord('is')) {
      this.pos++;
      const negated = this.isWord('not') ? (this.pos++, true) : false;
      if (this.isWord('null')) {
        this.pos++;
        return { kind: 'null-test', arg: left, negated };
      }
      const what = this.peek()?.text ?? '';
      this.pos++;
      return { kind: 'opaque', text: `IS ${negated ? 'NOT ' : ''}${what}` };
    }
    if (t && t.type === 'op' && COMPARISON.has(t.value)) {
      this.pos++;
      if (this.isWord('any') || this.isWord('all') || this.isWord('some')) {
        const quantifier = this.peek()!.value.toUpperCase();
        this.pos++;
        const right = this.parsePrimaryWithPostfix();
        return quantifier === 'ALL' ? { kind: 'opaque', text: 'ALL' } : { kind: 'any', op: t.value, left, right };
      }
      return { kind: 'op', op: t.value, left, right: this.parseArithmetic() };
    }
    return left;
  }

  private parseArithmetic(): Expr {
    let left = this.parsePrimaryWithPostfix();
    for (;;) {
      const t = this.peek();
      if (!t || t.type !== 'op' || COMPARISON.has(t.value)) return left;
      this.pos++;
      left = { kind: 'op', op: t.value, left, right: this.parsePrimaryWithPostfix() };
    }
  }

  private parsePrimaryWithPostfix(): Expr {
    let expr = this.parsePrimary();
    for (;;) {
      if (this.isPunct('::')) {
        this.pos++;
        expr = { kind: 'cast', arg: expr, type: this.parseTypeName() };
        continue;
      }
      if (this.isPunct('[')) {
        this.skipBalanced('[', ']');
        expr = { kind: 'opaque', text: 'subscript' };
        continue;
      }
      return expr;
    }
  }

  private parseTypeName(): string {
    const parts: string[] = [];
    const first = this.peek();
    if (!first) return '';
    this.pos++;
    parts.push(first.text);
    while (
      this.peek() &&
      (this.peek()!.type === 'ident' || this.peek()!.type === 'word') &&
      TYPE_WORDS.has(this.peek()!.value.toLowerCase())
    ) {
      parts.push(this.peek()!.text);
      this.pos++;
    }
    if (this.isPunct('.')) {
      this.pos++;
      parts.push('.' + (this.peek()?.text ?? ''));
      this.pos++;
    }
    if (this.isPunct('(')) this.skipBalanced('(', ')');
    while (this.isPunct('[')) {
      this.skipBalanced('[', ']');
      parts.push('[]');
    }
    return parts.join(' ').replace(/ \./g, '.');
  }

  private skipBalanced(open: string, close: string): void {
    let depth = 0;
    while (!this.done()) {
      const t = this.peek()!;
      this.pos++;
      if (t.type === 'punct' && t.value === open) depth++;
      else if (t.type === 'punct' && t.value === close && --depth === 0) return;
    }
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    if (!t) return { kind: 'opaque', text: '' };
    if (t.type === 'punct' && t.value === '(') return this.parseParenthesized();
    this.pos++;
    if (t.type === 'param') return { kind: 'param', index: Number(t.value) };
    if (t.type === 'string' || t.type === 'number') return { kind: 'const', text: t.text };
    if (t.type === 'op' && t.value === '-') return this.parseNegation();
    if (t.type === 'word') return this.parseKeyword(t);
    if (t.type === 'ident' || t.type === 'qident') return this.parseName(t);
    return { kind: 'opaque', text: t.text };
  }

  /** After `(`: a reference to another plan node, a row constructor, or an expression in parentheses. */
  private parseParenthesized(): Expr {
    this.pos++;
    // `(SubPlan 1)`, `(hashed SubPlan 2)`, `(InitPlan 1).col1`: references to other plan nodes, not columns.
    if (this.peek()?.type === 'ident' && /^(hashed|SubPlan|InitPlan)$/.test(this.peek()!.value)) {
      this.pos--;
      const start = this.pos;
      this.skipBalanced('(', ')');
      return {
        kind: 'opaque',
        text: this.tokens
          .slice(start, this.pos)
          .map((x) => x.text)
          .join(' '),
      };
    }
    const inner = this.parseOr();
    if (this.isPunct(',')) {
      // a row constructor
      while (!this.done() && !this.isPunct(')')) this.pos++;
      this.pos++;
      return { kind: 'opaque', text: 'row' };
    }
    if (this.isPunct(')')) this.pos++;
    return inner;
  }

  /** After a unary `-`: a negative constant, else `0 - operand`. */
  private parseNegation(): Expr {
    const operand = this.parsePrimaryWithPostfix();
    return operand.kind === 'const'
      ? { kind: 'const', text: `-${operand.text}` }
      : { kind: 'op', op: '-', left: { kind: 'const', text: '0' }, right: operand };
  }

  /** After a keyword: NULL, TRUE, FALSE and ARRAY[…] are constants; a CASE … END is skipped whole. */
  private parseKeyword(t: Token): Expr {
    const w = t.value.toLowerCase();
    if (w === 'null' || w === 'true' || w === 'false') return { kind: 'const', text: w.toUpperCase() };
    if (w === 'array' && this.isPunct('[')) {
      const start = this.pos;
      this.skipBalanced('[', ']');
      return {
        kind: 'const',
        text:
          'ARRAY' +
          this.tokens
            .slice(start, this.pos)
            .map((x) => x.text)
            .join(''),
      };
    }
    if (w === 'case') {
      let depth = 1;
      while (!this.done() && depth > 0) {
        if (this.isWord('case')) depth++;
        if (this.isWord('end')) depth--;
        this.pos++;
      }
      return { kind: 'opaque', text: 'CASE' };
    }
    return { kind: 'opaque', text: t.text };
  }

  /** After a name: a (qualified) column, a function call, or a typed literal such as `interval '1 hour'`. */
  private parseName(t: Token): Expr {
    const names = [t.value];
    while (this.isPunct('.') && (this.peek(1)?.type === 'ident' || this.peek(1)?.type === 'qident' || this.peek(1)?.type === 'word')) {
      this.pos++;
      names.push(this.peek()!.value);
      this.pos++;
    }
    if (this.isPunct('(')) return { kind: 'func', name: names.join('.'), args: this.parseArgs() };
    if (t.type === 'ident' && names.length === 1 && this.peek()?.type === 'string') {
      // A typed literal such as `interval '1 hour'` or `timestamp '…'`.
      const literal = this.peek()!.text;
      this.pos++;
      return { kind: 'const', text: `${t.text} ${literal}` };
    }
    if (names.length === 1) return { kind: 'column', qualifier: null, name: names[0]! };
    return { kind: 'column', qualifier: names[names.length - 2]!, name: names[names.length - 1]! };
  }

  private parseArgs(): Expr[] {
    this.pos++; // (
    const args: Expr[] = [];
    while (!this.done() && !this.isPunct(')')) {
      const before = this.pos;
      args.push(this.parseOr());
      if (this.isPunct(',')) this.pos++;
      else if (!this.isPunct(')') && this.pos === before)
        this.pos++; // skip what we cannot read (e.g. `FROM`)
      else if (!this.isPunct(')')) this.pos++;
    }
    this.pos++; // )
    return args;
  }
}

/** Parses one expression as EXPLAIN prints it. Never throws; unreadable parts become `opaque`. */
export function parseExpression(text: string): Expr {
  try {
    const parser = new Parser(tokenize(text), text);
    const expr = parser.parseOr();
    return parser.done() ? expr : { kind: 'and', args: [expr, { kind: 'opaque', text }] };
  } catch {
    return { kind: 'opaque', text };
  }
}

/** The conjuncts of a condition: `a AND (b AND c)` → [a, b, c]. */
export function conjuncts(expr: Expr): Expr[] {
  return expr.kind === 'and' ? expr.args.flatMap(conjuncts) : [expr];
}

/** The expression without casts around it: `(col)::text` is still the column for indexing purposes. */
export function stripCasts(expr: Expr): Expr {
  return expr.kind === 'cast' ? stripCasts(expr.arg) : expr;
}

/** Every column an expression reads. */
export function columnsOf(expr: Expr): { qualifier: string | null; name: string }[] {
  switch (expr.kind) {
    case 'column':
      return [{ qualifier: expr.qualifier, name: expr.name }];
    case 'and':
    case 'or':
      return expr.args.flatMap(columnsOf);
    case 'func':
      return expr.args.flatMap(columnsOf);
    case 'not':
      return columnsOf(expr.arg);
    case 'cast':
      return columnsOf(expr.arg);
    case 'null-test':
      return columnsOf(expr.arg);
    case 'op':
    case 'any':
      return [...columnsOf(expr.left), ...columnsOf(expr.right)];
    default:
      return [];
  }
}

/** True when the expression is a plain constant (a literal, possibly cast), i.e. usable in a partial index predicate. */
export function isLiteral(expr: Expr): expr is { kind: 'const'; text: string } | { kind: 'cast'; arg: Expr; type: string } {
  const inner = stripCasts(expr);
  return inner.kind === 'const' && inner.text !== 'NULL';
}

/** Parses a "Sort Key" entry such as `chunks.created_at DESC NULLS LAST`. */
export function parseSortKey(text: string): { expr: Expr; direction: 'asc' | 'desc' } {
  let rest = text.trim().replace(/\s+NULLS\s+(FIRST|LAST)$/i, '');
  let direction: 'asc' | 'desc' = 'asc';
  const m = /\s+(ASC|DESC)$/i.exec(rest);
  if (m) {
    direction = m[1]!.toLowerCase() as 'asc' | 'desc';
    rest = rest.slice(0, m.index);
  }
  rest = rest.replace(/\s+USING\s+\S+$/i, '');
  return { expr: parseExpression(rest), direction };
}
