import type { Random } from '../../../../main/util/random.ts';

/**
 * TPC-H comment text (specification clause 4.2.2.10): sentences from a small grammar over weighted word lists
 * (clause 4.2.2.13) are written into one text pool, and each comment is a substring of the pool at a random offset
 * with a random length. The spec's pool is 300 MB; a smaller one keeps generation quick and changes nothing the
 * planner sees (comments are only ever matched with LIKE patterns such as '%special%requests%', whose selectivity
 * comes from the word weights, not the pool's size). v-strings (clause 4.2.2.7) are random characters.
 */

type Weighted = readonly (readonly [string, number])[];

// prettier-ignore
const NOUNS: Weighted = [
  ['packages', 40], ['requests', 40], ['accounts', 40], ['deposits', 40], ['foxes', 20], ['ideas', 20],
  ['theodolites', 20], ['pinto beans', 20], ['instructions', 20], ['dependencies', 10], ['excuses', 10],
  ['platelets', 10], ['asymptotes', 10], ['courts', 5], ['dolphins', 5], ['multipliers', 1], ['sauternes', 1],
  ['warthogs', 1], ['frets', 1], ['dinos', 1], ['attainments', 1], ['somas', 1], ['Tiresias', 1], ['patterns', 1],
  ['forges', 1], ['braids', 1], ['frays', 1], ['warhorses', 1], ['dugouts', 1], ['notornis', 1], ['epitaphs', 1],
  ['pearls', 1], ['tithes', 1], ['waters', 1], ['orbits', 1], ['gifts', 1], ['sheaves', 1], ['depths', 1],
  ['sentiments', 1], ['decoys', 1], ['realms', 1], ['pains', 1], ['grouches', 1], ['escapades', 1], ['hockey players', 1],
];
// prettier-ignore
const VERBS: Weighted = [
  ['sleep', 20], ['wake', 20], ['are', 20], ['cajole', 20], ['haggle', 20], ['nag', 10], ['use', 10], ['boost', 10],
  ['affix', 5], ['detect', 5], ['integrate', 5], ['maintain', 1], ['nod', 1], ['was', 1], ['lose', 1], ['sublate', 1],
  ['solve', 1], ['thrash', 1], ['promise', 1], ['engage', 1], ['hinder', 1], ['print', 1], ['x-ray', 1], ['breach', 1],
  ['eat', 1], ['grow', 1], ['impress', 1], ['mold', 1], ['poach', 1], ['serve', 1], ['run', 1], ['dazzle', 1],
  ['snooze', 1], ['doze', 1], ['unwind', 1], ['kindle', 1], ['play', 1], ['hang', 1], ['believe', 1], ['doubt', 1],
];
// prettier-ignore
const ADJECTIVES: Weighted = [
  ['special', 20], ['pending', 20], ['unusual', 20], ['express', 20], ['furious', 1], ['sly', 1], ['careful', 1],
  ['blithe', 1], ['quick', 1], ['fluffy', 1], ['slow', 1], ['quiet', 1], ['ruthless', 1], ['thin', 1], ['close', 1],
  ['dogged', 1], ['daring', 1], ['brave', 1], ['stealthy', 1], ['permanent', 1], ['enticing', 1], ['idle', 1],
  ['busy', 1], ['regular', 50], ['final', 40], ['ironic', 40], ['even', 30], ['bold', 20], ['silent', 10],
];
// prettier-ignore
const ADVERBS: Weighted = [
  ['sometimes', 1], ['always', 1], ['never', 1], ['furiously', 50], ['slyly', 50], ['carefully', 50],
  ['blithely', 40], ['quickly', 30], ['fluffily', 20], ['slowly', 1], ['quietly', 1], ['ruthlessly', 1],
  ['thinly', 1], ['closely', 1], ['doggedly', 1], ['daringly', 1], ['bravely', 1], ['stealthily', 1],
  ['permanently', 1], ['enticingly', 1], ['idly', 1], ['busily', 1], ['regularly', 1], ['finally', 1],
  ['ironically', 1], ['evenly', 1], ['boldly', 1], ['silently', 1],
];
// prettier-ignore
const PREPOSITIONS: Weighted = [
  ['about', 50], ['above', 50], ['according to', 50], ['across', 50], ['after', 50], ['against', 40], ['along', 20],
  ['alongside of', 1], ['among', 1], ['around', 20], ['at', 10], ['atop', 1], ['before', 1], ['behind', 1],
  ['beneath', 1], ['beside', 1], ['besides', 1], ['between', 1], ['beyond', 1], ['by', 1], ['despite', 1],
  ['during', 1], ['except', 1], ['for', 1], ['from', 1], ['in place of', 1], ['inside', 1], ['instead of', 1],
  ['into', 1], ['near', 1], ['of', 1], ['on', 1], ['outside', 1], ['over', 1], ['past', 1], ['since', 1],
  ['through', 1], ['throughout', 1], ['to', 1], ['toward', 1], ['under', 1], ['until', 1], ['up', 1], ['upon', 1],
  ['without', 1], ['with', 1], ['within', 1],
];
// prettier-ignore
const AUXILIARIES: Weighted = [
  ['do', 1], ['may', 1], ['might', 1], ['shall', 1], ['will', 1], ['would', 1], ['can', 1], ['could', 1],
  ['should', 1], ['ought to', 1], ['must', 1], ['will have to', 1], ['shall have to', 1], ['could have to', 1],
  ['should have to', 1], ['must have to', 1], ['need to', 1], ['try to', 1],
];
const TERMINATORS: Weighted = [
  ['.', 50],
  [';', 1],
  [':', 1],
  ['?', 1],
  ['!', 1],
  ['--', 1],
];

/** Grammar symbols: N noun phrase, V verb phrase, P prepositional phrase, T terminator. */
const SENTENCES: Weighted = [
  ['N V T', 3],
  ['N V P T', 3],
  ['N V N T', 3],
  ['N P V N T', 1],
  ['N P V P T', 1],
];
/** n noun, j adjective, d adverb; ',' joins two adjectives. */
const NOUN_PHRASES: Weighted = [
  ['n', 10],
  ['j n', 20],
  ['j, j n', 10],
  ['d j n', 50],
];
/** v verb, x auxiliary, d adverb. */
const VERB_PHRASES: Weighted = [
  ['v', 30],
  ['x v', 1],
  ['v d', 40],
  ['x v d', 1],
];

function pick(random: Random, list: Weighted): string {
  let total = 0;
  for (const [, weight] of list) total += weight;
  let r = random() * total;
  for (const [word, weight] of list) {
    r -= weight;
    if (r < 0) return word;
  }
  return list[list.length - 1]![0];
}

function nounPhrase(random: Random): string {
  const shape = pick(random, NOUN_PHRASES);
  return shape
    .split(' ')
    .map((symbol) => {
      if (symbol === 'n') return pick(random, NOUNS);
      if (symbol === 'd') return pick(random, ADVERBS);
      return symbol === 'j,' ? `${pick(random, ADJECTIVES)},` : pick(random, ADJECTIVES);
    })
    .join(' ');
}

function verbPhrase(random: Random): string {
  const shape = pick(random, VERB_PHRASES);
  return shape
    .split(' ')
    .map((symbol) => (symbol === 'v' ? pick(random, VERBS) : symbol === 'x' ? pick(random, AUXILIARIES) : pick(random, ADVERBS)))
    .join(' ');
}

function sentence(random: Random): string {
  let text = '';
  for (const symbol of pick(random, SENTENCES).split(' ')) {
    if (symbol === 'T') text += pick(random, TERMINATORS);
    else {
      const phrase =
        symbol === 'N'
          ? nounPhrase(random)
          : symbol === 'V'
            ? verbPhrase(random)
            : `${pick(random, PREPOSITIONS)} the ${nounPhrase(random)}`;
      text += text === '' ? phrase : ` ${phrase}`;
    }
  }
  return text;
}

/** Characters of v-strings (clause 4.2.2.7: 64 characters, here letters, digits, comma and space). */
const V_STRING_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789, ';

/** Comments taken from a shared pool of grammar sentences, and random v-strings. */
export class TpchText {
  private readonly pool: string;

  constructor(random: Random, poolChars = 4_000_000) {
    const sentences: string[] = [];
    let length = 0;
    while (length < poolChars) {
      const next = sentence(random);
      sentences.push(next);
      length += next.length + 1;
    }
    this.pool = sentences.join(' ');
  }

  /** A comment of a random length in [min, max] (the spec's average is (min + max) / 2), trimmed of edge spaces. */
  comment(random: Random, min: number, max: number): string {
    const length = min + Math.floor(random() * (max - min + 1));
    const offset = Math.floor(random() * (this.pool.length - length));
    return this.pool.slice(offset, offset + length).trim();
  }

  vString(random: Random, min: number, max: number): string {
    const length = min + Math.floor(random() * (max - min + 1));
    let text = '';
    for (let i = 0; i < length; i++) text += V_STRING_ALPHABET[Math.floor(random() * V_STRING_ALPHABET.length)]!;
    return text;
  }
}
