import { requireConsoleSession } from "../../_lib/session";
import { ApiKeysView } from "./api-keys-view";

export default async function Page() {
  await requireConsoleSession();
  return <ApiKeysView />;
}
