/** Which of two objective values is better: the one comparison every part of matrix-tune shares. */
import type { Objective } from "../config/schema.ts";

export function isBetter(goal: Objective["goal"], a: number, b: number): boolean {
  return goal === "minimize" ? a < b : a > b;
}
