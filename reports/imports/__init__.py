"""Bringing an existing register in: the spreadsheets a city hall keeps, read into entries.

Readers (xlsx, xls, ods through python-calamine; CSV in UTF-8 or CP932), the
labels of the columns, the values of the cells, the grouping of rows into
entries with their files, and the plan an import writes (DESIGN.md,
"Importing an existing register").
"""
