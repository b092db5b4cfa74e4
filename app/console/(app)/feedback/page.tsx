import { requireConsoleSession } from "../../_lib/session";
import { FeedbackView } from "./feedback-view";

export default async function Page() {
  await requireConsoleSession();
  return <FeedbackView />;
}
