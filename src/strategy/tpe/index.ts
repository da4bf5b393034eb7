import { createTpe } from "./tpe.ts";

export { createTpe, type TpeOptions } from "./tpe.ts";

/** `strategy: tpe`, with the defaults the benchmark supports (bench/README.md). */
export const tpeStrategy = createTpe();
