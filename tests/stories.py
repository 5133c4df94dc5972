"""Three short, unrelated news texts the contract tests write into files."""

STORY = """Harbour authority approves new ferry terminal

The harbour authority approved plans for a new ferry terminal on Thursday, ending two years of debate.
Construction is expected to begin in the spring and to take about eighteen months, officials said.
Residents had raised concerns about traffic, and the plans now include a second access road.
"""
OTHER = """Library extends opening hours over the winter

The central library will stay open until nine in the evening from December, the city council announced.
Librarians said demand for study space had grown sharply, especially among students before exams.
The extra hours will be paid for from the cultural budget and reviewed again next summer.
"""
THIRD = """Orchestra names new conductor after long search

The city orchestra has named a new principal conductor, who will take up the post next September.
The appointment follows a two-year search in which several guest conductors led concerts.
Musicians welcomed the choice and said the new season would include more contemporary works.
"""
