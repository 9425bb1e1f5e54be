"""Renders evidence into report.json, HTML, JUnit, SARIF and Markdown."""
