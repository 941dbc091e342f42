"""LLM backends through LangChain's ``init_chat_model``, and the answerer that streams from them.

``CITEBOT_LLM`` picks the model ("openai:gpt-4o-mini", "anthropic:claude-...", "ollama:llama3.1");
``CITEBOT_LLM_BASE_URL`` points the OpenAI client at any compatible server (vLLM, llama.cpp, LM
Studio, Ollama's /v1). Set-up problems become one clear ``CitebotError`` naming the extra to install.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from bot.followup import CONDENSE_PROMPT
from bot.prompt import feedback_prompt, system_prompt, user_prompt
from bot.types import Audience, Passage
from ingest.errors import CitebotError
from ingest.settings import Settings

_EXTRAS = {"openai": "openai", "anthropic": "anthropic", "ollama": "ollama"}


class LLMError(CitebotError):
    """The LLM could not be set up or did not answer; the bot falls back to the offline answer."""


def make_chat_model(settings: Settings) -> Any:
    """A LangChain chat model for ``settings.llm``; an OpenAI-compatible server when a base URL is set."""
    from langchain.chat_models import init_chat_model

    spec = settings.llm or ""
    provider, _, model = spec.partition(":") if ":" in spec else ("", "", spec)
    if settings.llm_base_url and not provider:
        provider = "openai"
    kwargs: dict[str, Any] = {"timeout": settings.llm_timeout, "max_tokens": settings.llm_max_tokens, "max_retries": 1}
    if settings.llm_base_url:
        kwargs["base_url"] = settings.llm_base_url
        kwargs["api_key"] = settings.llm_api_key or "not-needed"
    elif settings.llm_api_key:
        kwargs["api_key"] = settings.llm_api_key
    try:
        return init_chat_model(model, model_provider=provider or None, **kwargs)
    except ImportError as err:
        extra = _EXTRAS.get(provider, provider)
        raise LLMError(
            f"the LLM provider '{provider}' needs its package: pip install 'citebot[{extra}]' ({err})"
        ) from None
    except Exception as err:  # provider clients raise their own types for a missing key or bad id
        raise LLMError(f"cannot set up the LLM '{spec}': {str(err).splitlines()[0]}") from None


def _text(chunk: Any) -> str:
    content = getattr(chunk, "content", chunk)
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks
        return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return str(content)


class LLMAnswerer:
    """Streams an answer from a chat model given the numbered passages and the audience's prompt."""

    def __init__(self, model: Any, name: str) -> None:
        self.model = model
        self.name = name

    def _messages(
        self, question: str, passages: Sequence[Passage], audience: Audience, history: Sequence[str]
    ) -> list[tuple[str, str]]:
        return [("system", system_prompt(audience)), ("human", user_prompt(question, passages, history))]

    def generate(
        self, question: str, passages: Sequence[Passage], audience: Audience, history: Sequence[str] = ()
    ) -> Iterator[str]:
        try:
            for chunk in self.model.stream(self._messages(question, passages, audience, history)):
                yield _text(chunk)
        except CitebotError:
            raise
        except Exception as err:
            raise LLMError(f"the LLM failed: {type(err).__name__}: {str(err).splitlines()[0][:200]}") from None

    def regenerate(
        self,
        question: str,
        passages: Sequence[Passage],
        audience: Audience,
        history: Sequence[str],
        previous: str,
        problems: Sequence[str],
    ) -> str:
        messages = [
            *self._messages(question, passages, audience, history),
            ("ai", previous),
            ("human", feedback_prompt(problems)),
        ]
        try:
            return _text(self.model.invoke(messages))
        except Exception as err:
            raise LLMError(f"the LLM failed: {type(err).__name__}: {str(err).splitlines()[0][:200]}") from None

    def condense(self, question: str, history: Sequence[str]) -> str:
        """A standalone version of a follow-up, for retrieval."""
        convo = "\n".join(f"User: {h}" for h in history)
        try:
            out = _text(self.model.invoke([("system", CONDENSE_PROMPT), ("human", f"{convo}\nUser: {question}")]))
        except Exception as err:
            raise LLMError(f"the LLM failed: {type(err).__name__}") from None
        return out.strip() or question
