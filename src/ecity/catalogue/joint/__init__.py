"""Joint applications (一件事一次办): configuring a life event that is applied for once.

``layout`` turns a version into the combined form (shared fields once, each member's own
fields in its section, each material once); ``checks`` holds the rules a version must meet;
``selectors`` reads (published ones for applicants, editable ones for the lead department);
``services`` writes (create, draft, update, publish); ``admin`` is where departments edit them.
The case system (``ecity.cases``) submits them.
"""
