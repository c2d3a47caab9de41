"""iMessage / SMS from the Messages database (`chat.db` of a Mac, `sms.db` of an iPhone backup).

`reader.read_database` reads the schema; `importer.IMessageImporter` imports a copied
`~/Library/Messages` folder (or a `chat.db` alone).
"""
