"""Full-text search over the vault: FTS5 index, query parser, filters, ranking, snippets, context.

See docs/search.md for the tokenization design and the measurements that chose it.
"""
