/**
 * The lock file's format, shared by both backends and the rules above them:
 * "<PID>\n", and never more than MAX_CONTENT bytes read.
 *
 * More than any "PID\n" with tolerated whitespace, and all of a file that is
 * ever read. A larger file is not a lock pidlock or a half-finished write could
 * have left (see judge() in src/rules.ts), so it is never deleted. The native
 * backend reads as many bytes (native/platform.h kHeadBytes); native.ts refuses
 * an addon that reads another number.
 */
export const MAX_CONTENT = 64;
