"""News for the tests of stories that change (t_thread_update.py,
t_thread_title_edit.py, t_dedup_update.py): the texts of two events, a
wildfire and an earthquake, each told several ways, and the RSS they are
served in."""
import email.utils
import time

NOW = int(time.time())
FIRE = ("Firefighters battled the wildfire near Kelowna as winds pushed flames toward the "
        "lake shore; evacuation orders for Kelowna residents were extended by the British "
        "Columbia wildfire service, officials said.")
FIRE2 = ("Kelowna evacuation orders were extended again as the British Columbia wildfire "
         "service said winds drove the fire toward the lake shore and firefighters held "
         "the line overnight.")
QUAKE = ("A magnitude 6.1 earthquake struck off the coast of Sumatra on Thursday, the "
         "Indonesian geophysics agency said; a tsunami warning for Aceh was lifted after "
         "two hours and no damage was reported in Banda Aceh.")
QUAKE2 = ("Indonesia lifted a tsunami warning for Aceh after a magnitude 6.1 earthquake off "
          "Sumatra; the geophysics agency reported no damage in Banda Aceh and the coast.")
QUAKE3 = ("Residents of Banda Aceh fled to higher ground when the magnitude 6.1 Sumatra "
          "earthquake hit; the Indonesian agency lifted the Aceh tsunami warning hours later.")


def item(guid, title, text, host, minutes_ago):
    """An RSS item published minutes_ago, linked at http://host/guid."""
    return ("<item><title>%s</title><link>http://%s/%s</link><guid>%s</guid>"
            "<pubDate>%s</pubDate><description>%s</description></item>"
            % (title, host, guid, guid,
               email.utils.formatdate(NOW - minutes_ago * 60, usegmt=True), text))


def rss(items):
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<title>T</title><link>http://x.example/</link>%s</channel></rss>"
            % "".join(items)).encode()


def first_feeds():
    """The feeds as they start: two tellings of each event, a feed each."""
    return {"/a.xml": [item("g1", "Kelowna wildfire evacuation orders extended", FIRE,
                            "a.example", 30)],
            "/b.xml": [item("f2", "Kelowna evacuation orders extended as wildfire nears lake",
                            FIRE2, "b.example", 20)],
            "/c.xml": [item("q1", "Magnitude 6.1 earthquake strikes off Sumatra", QUAKE,
                            "c.example", 25)],
            "/d.xml": [item("q2", "Indonesia lifts Aceh tsunami warning after Sumatra quake",
                            QUAKE2, "d.example", 15)]}
