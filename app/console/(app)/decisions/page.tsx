import { requireConsoleSession } from "../../_lib/session";
import { DecisionsView } from "./decisions-view";

export default async function Page() {
  await requireConsoleSession();
  return <DecisionsView />;
}
