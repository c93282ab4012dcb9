export const CONSOLE_QUERIES = Symbol('CONSOLE_QUERIES');
