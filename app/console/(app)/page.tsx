import { requireConsoleSession } from "../_lib/session";
import { OverviewView } from "./overview-view";

export default async function Page() {
  await requireConsoleSession();
  return <OverviewView />;
}
