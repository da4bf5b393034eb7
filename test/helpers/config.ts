/** Builds validated configs for tests from YAML text, the way users write them. */
import { parseConfig } from "../../src/config/load.ts";
import type { Config } from "../../src/config/schema.ts";

export function configFrom(yaml: string): Config {
  return parseConfig(yaml, "test.yml").config;
}

export const MIXED_SPACE = `
name: t
command: [node, x.mjs]
objective: {metric: loss, goal: minimize}
parameters:
  lr: {type: float, min: 0.0001, max: 1, scale: log}
  dropout: {type: float, min: 0, max: 0.5, step: 0.1}
  layers: {type: int, min: 1, max: 4}
  width: {type: int, min: 16, max: 256, scale: log}
  batch: {type: int, min: 16, max: 128, step: 16}
  optimizer: {type: categorical, values: [sgd, adam, rmsprop]}
  momentum: {type: float, min: 0, max: 0.99, when: {optimizer: sgd}}
  nesterov: {type: categorical, values: [true, false], when: {optimizer: sgd}}
  beta2: {type: float, min: 0.9, max: 0.9999, when: {optimizer: [adam, rmsprop]}}
  epochs: {type: constant, value: 10}
`;
