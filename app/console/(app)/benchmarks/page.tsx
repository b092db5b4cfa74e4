import { requireConsoleSession } from "../../_lib/session";
import { BenchmarksView } from "./benchmarks-view";

export default async function Page() {
  await requireConsoleSession();
  return <BenchmarksView />;
}
