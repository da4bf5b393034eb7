import { proposing } from "../strategy.ts";
import { createTpe } from "./tpe.ts";

export { createTpe, type TpeOptions } from "./tpe.ts";

/** `strategy: tpe`, with the defaults the benchmark supports (bench/README.md). */
export const tpeProposer = createTpe();

export const tpeStrategy = proposing("tree-structured Parzen estimator: models good and bad trials", tpeProposer);
