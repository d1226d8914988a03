// The one customer every bench request acts as: the subject of the bench's JWT. L checks the
// owner like the BFF does, so it must know who that is.
export const BENCH_VIEWER_ID = 'bench-user';
