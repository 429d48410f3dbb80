"""The complaint form in the chat, submitting it once, and "what's happening with my complaint?"."""
