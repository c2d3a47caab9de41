"""Articles kept offline: snapshots of the official-account / we-media articles messages link to.

`urls` finds and normalises article links (the one list of hosts), `index` links them to messages,
`chromecache` and `fromcache` take snapshots from WeChat's own browser cache during an import,
`net` is the only place ChatVault fetches anything from the web (and only with consent), `status`
recognises deleted/blocked pages, `page` turns a page into the safe offline view, `db` reads and
writes the tables of migration m013, `jobs` runs fetching and checking. See docs/articles.md.
"""
