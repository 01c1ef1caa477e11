"""Turn a folder of press releases into a faceted Whoosh index.

Flow: sources (find, read, decode) -> parse (normalize, extract) -> build (write).
"""
