/**
 * What a merchant's order reference (`orderId`) may be, so that one order has one spelling. The
 * reference is compared by its key (store/order-key.ts: NFKC, case-insensitive); everything the key
 * cannot merge is refused with a message that says why:
 * - invisible characters: default-ignorable code points and format characters (zero-width space
 *   and joiners, BOM, word joiner, soft hyphen, direction marks, variation selectors, tags, U+034F);
 * - whitespace other than a plain inner space (U+0020), and any space at either end;
 * - a dash other than `-` (U+002D), such as the non-breaking hyphen;
 * - letters of several scripts (a Cyrillic `О` in a Latin id), as the "highly restrictive" level of
 *   Unicode's UTS #39 decides: one script, or Latin with Han and Japanese kana, Bopomofo or Hangul.
 *   Arabic-only or Latin-only references (digits and common punctuation being of no script) pass.
 */
import { hasControlOrBrokenText } from '../../common/text';
import { orderKeyOf } from '../store/order-key';

export const ORDER_ID_MAX_LENGTH = 128;

/** Scripts told apart (by Script_Extensions); a letter of none of them counts as its own script. */
const SCRIPTS = [
  'Latin', 'Greek', 'Cyrillic', 'Armenian', 'Hebrew', 'Arabic', 'Syriac', 'Thaana', 'Nko', 'Devanagari', 'Bengali',
  'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala', 'Thai', 'Lao', 'Tibetan',
  'Myanmar', 'Georgian', 'Hangul', 'Ethiopic', 'Cherokee', 'Canadian_Aboriginal', 'Khmer', 'Mongolian', 'Hiragana',
  'Katakana', 'Bopomofo', 'Han', 'Yi', 'Tifinagh', 'Javanese', 'Vai', 'Adlam', 'Ol_Chiki',
].map((name) => ({ name, pattern: new RegExp(`^\\p{scx=${name}}$`, 'u') })); // prettier-ignore

/** UTS #39's augmented sets: Han writes Japanese, Chinese with Bopomofo, and Korean. */
const AUGMENT: Record<string, readonly string[]> = {
  Han: ['Jpan', 'Hanb', 'Kore'],
  Hiragana: ['Jpan'],
  Katakana: ['Jpan'],
  Bopomofo: ['Hanb'],
  Hangul: ['Kore'],
};
const WITH_LATIN = ['Jpan', 'Hanb', 'Kore'];
const NO_SCRIPT = /^[\p{sc=Common}\p{sc=Inherited}]$/u;
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/u;
const OTHER_DASH = /[\p{Pd}\u2212](?<!-)/u;

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

function scriptsOf(char: string): Set<string> {
  const found = SCRIPTS.filter(({ pattern }) => pattern.test(char)).map(({ name }) => name);
  if (found.length === 0) return new Set([`other ${codePoint(char)}`]);
  return new Set([...found, ...found.flatMap((name) => AUGMENT[name] ?? [])]);
}

function intersect(a: Set<string> | null, b: Set<string>): Set<string> {
  return a === null ? b : new Set([...a].filter((name) => b.has(name)));
}

/** The scripts a reference mixes (first script of each letter that breaks the rule), or null when it keeps to one. */
function mixedScripts(text: string): string[] | null {
  let all: Set<string> | null = null;
  let nonLatin: Set<string> | null = null;
  const seen = new Set<string>();
  for (const char of text) {
    if (NO_SCRIPT.test(char)) continue;
    const scripts = scriptsOf(char);
    seen.add([...scripts][0]);
    all = intersect(all, scripts);
    if (!scripts.has('Latin')) nonLatin = intersect(nonLatin, scripts);
  }
  if (all === null || all.size > 0) return null;
  if (nonLatin !== null && WITH_LATIN.some((name) => nonLatin.has(name))) return null;
  return [...seen];
}

/** Why `text` cannot be an order reference, in words for the client; null when it can. */
export function orderRefProblem(text: string, field = 'orderId'): string | null {
  if (text.length === 0 || text.length > ORDER_ID_MAX_LENGTH) return `${field} must be 1-${ORDER_ID_MAX_LENGTH} characters`;
  if (hasControlOrBrokenText(text)) return `${field} must not contain control characters or broken Unicode`;
  const invisible = INVISIBLE.exec(text);
  if (invisible) {
    return `${field} must not contain invisible characters (zero-width, format, direction or variation characters): found ${codePoint(invisible[0])}`;
  }
  if (/^\s|\s$/u.test(text)) return `${field} must not start or end with a space`;
  const space = /[^\S ]/u.exec(text);
  if (space) return `${field} may contain only plain spaces (U+0020), not ${codePoint(space[0])}`;
  // Checked after NFKC (a fullwidth hyphen-minus becomes "-"), naming the character as it was sent.
  const dash = [...text].find((char) => OTHER_DASH.test(char.normalize('NFKC')));
  if (dash) return `${field} must write a dash as "-" (U+002D), not ${codePoint(dash)}`;
  const folded = text.normalize('NFKC');
  const mixed = mixedScripts(folded);
  if (mixed) return `${field} must be written in one script, not a mix of ${mixed.join(', ')} letters`;
  if (orderKeyOf(text).length > ORDER_ID_MAX_LENGTH)
    return `${field} must be at most ${ORDER_ID_MAX_LENGTH} characters once normalised (NFKC)`;
  return null;
}
