/**
 * What a parameter of the search is, as a config writes it: its kind (float,
 * int, categorical, constant), range or values, and when it exists. The config
 * checks how parameters relate to each other; the space builds on these.
 */
import { z } from "zod";

export const scalar = z.union([z.string(), z.number(), z.boolean()]);
export type Scalar = z.infer<typeof scalar>;

export const paramName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    "parameter names are letters, digits and underscores, starting with a letter or underscore",
  );

/** `when: {optimizer: sgd}` or `when: {optimizer: [sgd, rmsprop]}`: every entry must hold. */
const condition = z
  .record(z.string(), z.union([scalar, z.array(scalar).min(1)]))
  .describe("the parameter exists only when each named parameter has the given value (or one of the listed values)");

const common = {
  when: condition.optional(),
  description: z.string().optional(),
};

const numericFields = {
  min: z.number().describe("lower bound, inclusive"),
  max: z.number().describe("upper bound, inclusive"),
  scale: z.enum(["linear", "log"]).default("linear").describe("log samples evenly in log space (min must be > 0)"),
  step: z.number().positive().optional().describe("values are min + k*step"),
  points: z.int().min(2).optional().describe("grid: this many points spread over [min, max] on the scale"),
  ...common,
};

const floatParam = z.strictObject({
  type: z.literal("float"),
  ...numericFields,
  values: z.array(z.number()).min(1).optional().describe("grid: these exact points"),
  default: z.number().optional(),
});

const intParam = z.strictObject({
  type: z.literal("int"),
  ...numericFields,
  min: z.int().describe("lower bound, inclusive"),
  max: z.int().describe("upper bound, inclusive"),
  step: z.int().positive().optional().describe("values are min + k*step"),
  values: z.array(z.int()).min(1).optional().describe("grid: these exact points"),
  default: z.int().optional(),
});

const categoricalParam = z.strictObject({
  type: z.literal("categorical"),
  values: z.array(scalar).min(1, "a categorical parameter needs at least one value"),
  default: scalar.optional(),
  ...common,
});

const constantParam = z.strictObject({
  type: z.literal("constant"),
  value: scalar,
  ...common,
});

export const parameterSchema = z.discriminatedUnion("type", [floatParam, intParam, categoricalParam, constantParam]);

export type Parameter = z.output<typeof parameterSchema>;
