"""The patient's lifecycle: retention, erasure, export and blob housekeeping (DESIGN.md §8).

`patients` names no higher app: apps hang their data off the patient (foreign
keys with CASCADE, blobs under the patient's prefix) and register export
sections and blob references in `patients.exports` and `patients.blobrefs`.
"""
