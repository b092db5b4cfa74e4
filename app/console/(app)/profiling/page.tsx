import { requireConsoleSession } from "../../_lib/session";
import { ProfilingView } from "./profiling-view";

export default async function Page() {
  await requireConsoleSession();
  return <ProfilingView />;
}
