"""What people read: the message catalog, progress and digest texts, the chart, workbook and CSV."""
