"""The four plain-language forms every practice starts with (owners edit them)."""

DEFAULT_TEMPLATES = [
    {
        "title": "Clinical photographs: how we may use them",
        "purposes": ["treatment", "second_opinion", "teaching", "publication"],
        "body": """We would like to take photographs of the area we are treating. \
Please answer yes or no to each use below. Each answer is separate: you can say yes to \
one and no to another.

**For your care.** The photos go in your medical record so that we can see how your \
condition changes and plan your care. Only staff who look after you see them.

**Asking another doctor for advice.** We may send a specialist a secure link to the \
photos they need. The link stops working after a few days.

**Teaching.** A photo may be shown to doctors, nurses and students, without your name.

**Publication.** A photo may be published in a medical journal or book, without your \
name. Once printed it cannot be taken back.

**How they are kept.** The photos are encrypted and kept with your record for as long \
as the law requires, then deleted.

**Your choice.** Saying no does not change the care you receive. You can change your \
mind about any of these at any time: tell any member of staff.""",
    },
    {
        "title": "Photographs for your care",
        "purposes": ["treatment"],
        "body": """We would like to take photographs of the area we are treating.

**What the photos are for.** They go in your medical record so that we can see how \
your condition changes over time and plan your care.

**Who sees them.** Only the staff of this practice who look after you.

**How they are kept.** The photos are encrypted and kept with your record for as long \
as the law requires, then deleted.

**Your choice.** Saying no does not change the care you receive. You can change your \
mind at any time: tell any member of staff.""",
    },
    {
        "title": "Asking another doctor for advice",
        "purposes": ["second_opinion"],
        "body": """Sometimes we ask a specialist outside this practice for their opinion.

**What happens.** We send them a secure link to the photos they need. The link stops \
working after a few days, and every time it is opened is recorded.

**What they see.** The photos and the reason we are asking, not your whole record.

**Your choice.** Saying no does not change the care you receive. If you say yes and \
later change your mind, any link still open stops working at once.""",
    },
    {
        "title": "Teaching and publication",
        "purposes": ["teaching", "publication"],
        "body": """Photos can help us teach doctors, nurses and students.

**What happens.** A photo may be shown in a lecture or a training session. We show \
only the part of the body that matters and never your name.

**Publication.** A photo may also be published in a medical journal or book, \
without your name. Once printed it cannot be taken back, but nothing new will use it \
after you withdraw.

**Your choice.** Answer each use separately. Saying no does not change the care you \
receive. You can withdraw at any time.""",
    },
]
