import { handleUnknownPath } from "@/server/gateway/unknown-path";
import { UNMATCHED_ENDPOINT, withObservability } from "@/server/observability/http";

export const dynamic = "force-dynamic";

// Every path no other route serves: one OpenAI-shaped 404, counted under one label value.
const unknownPath = withObservability(UNMATCHED_ENDPOINT, handleUnknownPath);

export { unknownPath as DELETE, unknownPath as GET, unknownPath as HEAD, unknownPath as OPTIONS, unknownPath as PATCH, unknownPath as POST, unknownPath as PUT };
