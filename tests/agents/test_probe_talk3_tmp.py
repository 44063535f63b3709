import os, pytest
from tests.conversation_kit import ask

CONVS = [l.split(" | ") for l in open(os.environ.get("PROBE", "/tmp/talk3/convs.txt")).read().strip().split("\n") if l.strip()]

async def test_probe(offline_client):
    client = offline_client
    out = []
    for n, turns in enumerate(CONVS):
        history = []
        for msg in turns:
            agent, meta, text = await ask(client, f"probe{n}", msg, history)
            history += [{"role": "user", "content": msg}, {"role": "assistant", "content": text}]
            out.append(f">>> {msg}\n[{agent} {meta.get('intent')}] {text}\n")
        out.append("=" * 40)
    open("/tmp/talk3/out.txt", "w").write("\n".join(out))
