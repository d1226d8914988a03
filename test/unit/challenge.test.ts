/** The bearer token of an Authorization header, read in one pass whatever the header holds. */
import { bearerTokenOf } from '../../src/auth/challenge';

describe('bearerTokenOf', () => {
  it('takes the token after the Bearer scheme (any case, spaces around it), and nothing else', () => {
    expect(bearerTokenOf('Bearer abc')).toBe('abc');
    expect(bearerTokenOf('bearer   a.b.c  ')).toBe('a.b.c');
    expect(bearerTokenOf('BEARER x y')).toBe('x y');
    for (const none of [undefined, '', 'Bearer', 'Bearer    ', 'Basic abc', 'Bearerabc']) expect(bearerTokenOf(none)).toBeNull();
  });

  it('reads a header of the largest size Node accepts, mostly spaces, as its one token', () => {
    expect(bearerTokenOf(`Bearer x${' '.repeat(16_000)}y`)).toBe(`x${' '.repeat(16_000)}y`);
  });
});
