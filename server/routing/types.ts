import type { TaskCategory } from "./categories";

/** What routing knows about one model (a plain copy of the registry entry). */
export type ModelCandidate = {
  name: string;
  backend: string;
  parameterCountB?: number;
  /** Undefined when the backend cannot tell. */
  capabilities?: readonly string[];
  reachable: boolean;
};

/** What routing reads from a request. */
export type RoutingInput = {
  /** The latest user text (what the user is asking now). */
  lastUser: string;
  /** System and earlier user text, for context. */
  context: string;
  imageCount: number;
  hasTools: boolean;
  jsonMode: boolean;
};

export type ComplexityTier = "simple" | "medium" | "hard";

export type RankedModel = { name: string; backend: string; score: number; reason: string };

export type RoutingDecision = {
  category: TaskCategory;
  complexity: number;
  tier: ComplexityTier;
  /** Best first; the gateway falls back down this list. Empty when no model can serve the request. */
  ranked: RankedModel[];
  reason: string;
  /** Why models were left out, for explain and for the error when nothing is left. */
  excluded: { name: string; reason: string }[];
};
