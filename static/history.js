/**
 * What a question takes along: the conversation's newest messages, as many as fit.
 *
 * The server reads at most 40 history items and a request body of at most 64 KiB
 * (jewelstream/requests.py); ten long answers in Russian are more than that. So the page
 * sends the last `HISTORY_LIMIT` messages and drops the oldest question-and-answer pairs
 * until the JSON body fits: a long conversation goes on, and its older turns stay on the
 * screen, they are just not sent. Only `role` and `content` go: what the page keeps to show
 * an answer again after a reload (its agents' parts, its cards) stays in the tab.
 */

export const HISTORY_LIMIT = 20;        // messages sent back with each question
export const MAX_BODY_BYTES = 60_000;   // under the server's 64 KiB, whatever the text

/** The POST body for `message`: the newest history that fits, and the chosen agent. */
export function requestBody(message, history, agent = '') {
  const body = {message, conversation_history: history.slice(-HISTORY_LIMIT).map(({role, content}) => ({role, content}))};
  if (agent) body.explicit_task_type = agent; // absent = automatic routing
  const bytes = new TextEncoder();
  while (body.conversation_history.length && bytes.encode(JSON.stringify(body)).length > MAX_BODY_BYTES) {
    body.conversation_history.splice(0, 2); // the oldest question and its answer
  }
  return body;
}
