# The official Python `openai` package against the proxy's OpenAI-compatible endpoint: a JSON
# answer, a stream with usage, and a refused option. Prints what it got as one JSON line for
# test/proxy/openai-python.test.ts to check against the simulator's records.
import json
import os

import openai

client = openai.OpenAI(base_url=os.environ["PROXY_URL"] + "/v1", api_key=os.environ["CLIENT_KEY"], max_retries=0)
model = os.environ["MODEL"]
messages = [{"role": "user", "content": os.environ["PROMPT"]}]

completion = client.chat.completions.create(model=model, messages=messages)
chunks = list(client.chat.completions.create(model=model, messages=messages, stream=True, stream_options={"include_usage": True}))
try:
    client.chat.completions.create(model=model, messages=messages, n=2)
    refused = None
except openai.BadRequestError as error:
    refused = {"status": error.status_code, "param": error.body.get("param") if isinstance(error.body, dict) else None}


def usage(u):
    return {"prompt_tokens": u.prompt_tokens, "completion_tokens": u.completion_tokens, "cached_tokens": u.prompt_tokens_details.cached_tokens}


print(json.dumps({
    "json": {"content": completion.choices[0].message.content, "finish_reason": completion.choices[0].finish_reason, "model": completion.model, "usage": usage(completion.usage)},
    "stream": {
        "content": "".join(c.choices[0].delta.content or "" for c in chunks if c.choices),
        "finish_reason": [c.choices[0].finish_reason for c in chunks if c.choices][-1],
        "usage": usage(chunks[-1].usage),
    },
    "refused": refused,
}))
