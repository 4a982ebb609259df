"""The sample site's generator: ``python -m tools.samplesite.build`` renders facts.toml into the library's site.

It writes ``src/peelpipe/samplesite/site/`` and ``site-updates/`` (package data that ``peelpipe demo``
serves with ``peelpipe.samplesite.serve_site``) and this folder's README.md. The pages carry only real
published grades, each with its source in facts.toml, and every page says it is sample data. The
generator may import the library (its config); the library never imports this package.
"""
