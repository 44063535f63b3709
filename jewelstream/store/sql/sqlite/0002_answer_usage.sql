-- Token usage of an answer, as the LLM endpoint reported it (null: not reported).
ALTER TABLE messages ADD COLUMN prompt_tokens INTEGER;
ALTER TABLE messages ADD COLUMN completion_tokens INTEGER;
