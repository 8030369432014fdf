"""Helpers for the course on the posterior compartment of the leg.

``from utils import load_course, CourseDataError`` gives the validated fact
tables. Figure, widget and quiz helpers live in their own modules
(``utils.figures``, ``utils.quizzes``, ...) and are imported on first use, so
``import utils`` stays cheap.
"""

from utils.data import CourseDataError, load_course

__all__ = ["CourseDataError", "load_course"]
