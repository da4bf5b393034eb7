/**
 * Slots for the local runner's trial processes: at most `size` run at once,
 * and each holds one slot (TUNE_SLOT) and, with `devices:`, the one device that
 * slot stands for (CUDA_VISIBLE_DEVICES), so two running trials never share a
 * GPU by accident. A slot is freed when its process ends and goes to the next
 * run waiting, in the order they asked.
 */
import type { Config } from "../config/schema.ts";
import { membersOf } from "../study/study.ts";

export interface Slot {
  /** 0..size-1: a free slot is always the lowest one, so scripts can map it to a port. */
  index: number;
  /** The device this slot stands for, with `devices:`. */
  device?: string;
}

/** Processes at once: `parallel`, and no more than there are devices to give them. */
export function processesAtOnce(config: Pick<Config, "budget" | "devices">): number {
  return Math.min(config.budget.parallel, config.devices?.length ?? Number.POSITIVE_INFINITY);
}

/**
 * What a round is and how much of it runs at once, for the start banner:
 * "6 trials per round × 6 runs each, 4 processes at a time on devices 0,1,2,3".
 */
export function concurrencyText(config: Pick<Config, "budget" | "devices" | "repeats" | "folds">): string {
  const per = config.budget.parallel;
  const members = membersOf(config);
  const at = processesAtOnce(config);
  return [
    `${per} trial${per > 1 ? "s" : ""} per round`,
    members > 1 ? ` × ${members} runs each` : "",
    `, ${at} process${at > 1 ? "es" : ""} at a time`,
    config.devices ? ` on device${config.devices.length > 1 ? "s" : ""} ${config.devices.join(",")}` : "",
  ].join("");
}

export class Slots {
  readonly size: number;
  private readonly free: boolean[];
  private readonly waiting: ((slot: Slot) => void)[] = [];

  constructor(
    size: number,
    private readonly devices?: readonly string[],
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`slots: size must be at least 1, not ${size}`);
    if (devices && devices.length < size)
      throw new RangeError(`slots: ${size} slots need ${size} devices, not ${devices.length}`);
    this.size = size;
    this.free = Array.from({ length: size }, () => true);
  }

  /** The lowest free slot, once there is one. */
  acquire(): Promise<Slot> {
    const index = this.free.indexOf(true);
    if (index < 0) return new Promise((resolve) => this.waiting.push(resolve));
    this.free[index] = false;
    return Promise.resolve(this.slot(index));
  }

  /** Gives the slot to the longest waiting run, or frees it. */
  release(slot: Slot): void {
    if (this.free[slot.index] !== false) throw new Error(`slots: slot ${slot.index} is not held`);
    const next = this.waiting.shift();
    if (next) next(this.slot(slot.index));
    else this.free[slot.index] = true;
  }

  /** Runs `task` holding a slot, freed however the task ends. */
  async with<T>(task: (slot: Slot) => Promise<T>): Promise<T> {
    const slot = await this.acquire();
    try {
      return await task(slot);
    } finally {
      this.release(slot);
    }
  }

  private slot(index: number): Slot {
    const device = this.devices?.[index];
    return device === undefined ? { index } : { index, device };
  }
}
