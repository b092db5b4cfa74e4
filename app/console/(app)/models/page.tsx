import { requireConsoleSession } from "../../_lib/session";
import { ModelsView } from "./models-view";

export default async function Page() {
  await requireConsoleSession();
  return <ModelsView />;
}
