"""Gender cues for pronoun resolution, as data: common first names, titles and role nouns.

A small hand-written list, not a census: it only has to tell "he" from "she" for the speakers of
one article, so it holds frequent given names (English-language first, then common European,
Latin American, African and Asian ones) and leaves out names commonly given to both sexes
("Dana", "Jordan", "Kim", "Robin"). A speaker whose gender is unknown stays compatible with either
pronoun; see ``resolver``.
"""

from __future__ import annotations

from typing import Final

MALE_NAMES: Final = frozenset(
    """
    aaron abdul abraham adam adrian ahmed alan albert alberto alejandro alex alexander alexei
    alfred ali allen alvin amir anders andre andrew andrei andy angelo anthony anton antonio
    arnold arthur barry ben benjamin bernard bernie bill billy bob bobby boris brad
    bradley brandon brendan brent brett brian bruce bryan byron calvin carl carlos cecil chad
    charles charlie chris christian christopher chuck clarence clark claude clifford clint
    colin conrad craig curtis dale dan daniel danny darren dave david dean dennis derek diego
    dmitry dominic don donald doug douglas duane dwight earl eddie edgar eduardo edward elijah
    elliot emmanuel enrique eric erik ernest ethan eugene evan felix fernando francisco frank
    franklin fred frederick gabriel gareth gary gavin gene geoffrey george gerald gerhard
    gilbert giorgio giovanni giuseppe glenn gordon graham grant greg gregory gustavo guy hamid
    hank hans harold harry harvey hassan hector henry herbert hernan howard hugh hugo ian igor
    isaac ivan jack jacob jake james jamal jared jason javier jay jeff jeffrey jeremy jerome
    jerry jesse jim jimmy joe joel johann john johnny jon jonathan jorge jose joseph josh joshua
    juan julian justin karl keith ken kenneth kevin khalid kurt kyle lamar lance larry lawrence
    leo leon leonard lewis lloyd louis luca lucas luis luke malcolm manuel marco
    marcus mario mark martin matteo marvin matt matthew maurice max michael miguel mike mikhail
    mitch mitchell mohamed mohammed muhammad murray nathan neil nelson nicholas nick
    nicolas nigel noah norman oliver omar oscar otto owen pablo patrick paul pedro peter phil
    philip philippe pierre rafael ralph ramon randall randy raul ray raymond reginald reza
    richard rick ricky rob robert roberto rodney roger roland ron ronald ross roy rudy rupert
    russell ryan salvador sam samuel scott sean sebastian sergei sergey seth shane
    simon stanley stefan stephen steve steven stuart ted theodore thomas tim timothy tobias
    todd tom tommy tony travis trevor troy tyler victor vincent vladimir walter wayne wesley
    william willie xavier yuri zachary
 """.split()
)

FEMALE_NAMES: Final = frozenset(
    """
    abigail ada adriana agnes aisha alexandra alexis alice alicia alison amanda amber amelia amy
    ana anastasia andrea angela angelina anita ann anna anne annette antonia april barbara
    beatrice becky belinda beth betsy betty beverly bianca bonnie brenda bridget brittany camila
    candice carla carmen carol caroline carolyn catherine cathy cecilia charlotte cheryl
    chiara chloe christina christine cindy claire clara claudia colleen connie cristina crystal
    cynthia daisy daniela danielle deborah debbie debra denise diana diane dianne donna doris
    dorothy edith eileen elaine eleanor elena elisabeth elizabeth ella ellen elsa emily emma
    erica erin esther eva evelyn fatima fiona francesca florence frances gabriela gabrielle gail gemma
    georgia geraldine gillian gina giulia gloria grace gwen hannah harriet heather heidi helen
    helena hillary holly ingrid irene iris isabel isabella jacqueline jane janet janice
    jasmine jeanne jennifer jenny jessica jill joan joanna joanne jocelyn josephine joy
    joyce judith judy julia julie june karen katherine kathleen kathryn kathy katie kayla
    kimberly kirsten kristen laura lauren leah leila lena linda lisa liz loretta
    lorraine louise lucia lucy lydia mandy margaret maria marian marie marina marion
    marisa marsha martha mary maureen megan melanie melissa mia michelle mildred miriam molly
    monica nadia nancy naomi natalia natalie nicole nina nora olga olivia paige pamela patricia
    paula pauline peggy penny phyllis priscilla rachel rebecca regina renee rita roberta
    rosa rosalind rose ruth sabrina sally samantha sandra sara sarah sharon sheila shirley
    sofia sonia sophia sophie stacey stephanie susan suzanne sylvia tamara tammy tanya tara
    teresa theresa tiffany tina tracy ursula valerie vanessa veronica victoria virginia vivian
    wanda wendy yolanda yvonne zoe
 """.split()
)

# Titles and role nouns that tell a person's gender ("Mrs. Clinton", "the spokeswoman").
MALE_WORDS: Final = frozenset(
    """
    mr mr. sir lord king prince father brother son husband uncle nephew grandfather
    spokesman congressman chairman councilman assemblyman businessman alderman anchorman
 """.split()
)
FEMALE_WORDS: Final = frozenset(
    """
    mrs mrs. ms ms. miss madam dame lady queen princess mother sister daughter wife aunt niece
    grandmother widow spokeswoman congresswoman chairwoman councilwoman assemblywoman
    businesswoman alderwoman anchorwoman
 """.split()
)
