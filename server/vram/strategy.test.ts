import { describe, expect, it } from "vitest";
import { chooseVictims, type ResidentForUnload } from "./strategy";

const GB = 1e9;
// Used oldest first: pin (1), a (2), b (3), c (4).
const residents: ResidentForUnload[] = [
  { model: "pin", vramBytes: 10 * GB, lastUse: 1, pinned: true },
  { model: "a", vramBytes: 2 * GB, lastUse: 2, pinned: false },
  { model: "b", vramBytes: 8 * GB, lastUse: 3, pinned: false },
  { model: "c", vramBytes: 4 * GB, lastUse: 4, pinned: false },
];

describe("chooseVictims", () => {
  it.each([
    ["lru frees the least recently used first", "lru", 1 * GB, ["a"]],
    ["lru goes on until enough is free", "lru", 5 * GB, ["a", "b"]],
    ["largest frees the biggest first", "largest", 1 * GB, ["b"]],
    ["largest goes on until enough is free", "largest", 11 * GB, ["b", "c"]],
    ["nothing when nothing is needed", "lru", 0, []],
    ["never the pinned model: all others when they are just enough", "lru", 14 * GB, ["a", "b", "c"]],
    ["nothing when even all others would not make room", "largest", 15 * GB, []],
  ] as const)("%s", (_name, strategy, excess, expected) => {
    expect(chooseVictims(residents, excess, strategy)).toEqual(expected);
  });

  it("breaks lru ties by size and largest ties by age", () => {
    const tied: ResidentForUnload[] = [
      { model: "small-old", vramBytes: GB, lastUse: 1, pinned: false },
      { model: "big-new", vramBytes: 3 * GB, lastUse: 2, pinned: false },
      { model: "big-old", vramBytes: 3 * GB, lastUse: 1, pinned: false },
    ];
    expect(chooseVictims(tied, GB, "lru")).toEqual(["big-old"]);
    expect(chooseVictims(tied, GB, "largest")).toEqual(["big-old"]);
  });
});
