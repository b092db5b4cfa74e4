import { requireConsoleSession } from "../../_lib/session";
import { RoutingView } from "./routing-view";

export default async function Page() {
  await requireConsoleSession();
  return <RoutingView />;
}
