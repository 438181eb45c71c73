"""Yjs documents read in pure Python: the v1 update format (`update`), Yjs's integration of items
(`store`), the visible tree with item ids (`tree`) and relative positions (`positions`).

pycrdt holds the live documents; it shows their content but not the ids of the items, which
heatmaps (who wrote what) and comment anchors (positions name items) need.
"""
