"""Requirement proposals: R&D adopt a whole cluster, and its recurring problem becomes a structured
requirement (title, problem statement, evidence, who adopted it and why) that their tracker receives by
webhook and that exports as Markdown or JSON.
"""
