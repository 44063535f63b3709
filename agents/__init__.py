"""The shop's agents, each a LangGraph graph in its own module.

`AGENTS` maps a name to its `agents.base.Agent`; importing this package compiles the graphs
once (and does nothing else).
"""
from agents import analysis, consultant, girlfriend, taste, trend

AGENTS = {agent.name: agent for agent in (consultant.AGENT, girlfriend.AGENT, analysis.AGENT,
                                            trend.AGENT, taste.AGENT)}
