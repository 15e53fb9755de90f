"""Readers of the public files' formats, one module per publisher (ONS, ODS, NHSBSA, the curated
published facts) over the streaming, bounded CSV reader (`tabular`). A reader yields rows with
the location of each; what the rows mean for the graph is the loading steps' business."""
