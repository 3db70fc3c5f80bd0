"""Fleet health: this instance's history in the user's database, and the other instances.

``instances`` judges what other instances report (through the fleet
database or MQTT); ``outbox`` holds the rows waiting for the database;
``rows`` turns results, incidents and timelines into those rows; ``schema``
is the versioned schema they are written to.
"""
