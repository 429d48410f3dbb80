"""`make bench`: training time, start-up time, memory and chat latency, ours next to a stock `rasa init` bot."""
