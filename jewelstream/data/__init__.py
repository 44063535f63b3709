"""The shop's own data: import and export of the catalog, customers, orders and articles.

    python -m jewelstream.data import catalog products.csv [--dry-run]
    python -m jewelstream.data export catalog products.csv

`columns` names each table's columns (English and Russian headers), `reading` turns a CSV
or JSON-lines file into rows, `mapping` turns the shop's words ("Золото 585", "бриллиант
0,25 кт") into the shop's vocabulary codes, `validation` checks every row before anything
changes, `loading` replaces a table in one transaction and bumps the data version that
running servers watch, `export` writes a table back in the import format, and `upgrade`
brings a database file from before these columns up to date.
"""
