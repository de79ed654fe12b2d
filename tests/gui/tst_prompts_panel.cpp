// Offscreen GUI tests of the Prompts tab: the counts in the titles, how many eval prompts the
// tuned model must win for the lower bound to pass 0.5, and the notes on eval prompts listed
// twice or shared with the training prompts; typing stores the trimmed lists in the project.
#include "document/ProjectDocument.h"
#include "widgets/EnglishPlurals.h"
#include "widgets/PromptsPanel.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QTest>

using namespace dragon;

namespace {

Project withPrompts(int train, int eval)
{
    Project p;
    for (int i = 0; i < train; ++i)
        p.trainPrompts.push_back("train prompt " + std::to_string(i));
    for (int i = 0; i < eval; ++i)
        p.evalPrompts.push_back("eval prompt " + std::to_string(i));
    return p;
}

QString titles(const PromptsPanel &panel)
{
    QStringList texts;
    for (const QLabel *label : panel.findChildren<QLabel *>())
        if (label != panel.notes())
            texts << label->text();
    return texts.join(" | ");
}

} // namespace

class TestPromptsPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { EnglishPlurals::installOnce(); }

    void titlesCountThePrompts()
    {
        ProjectDocument document;
        document.reset(withPrompts(8, 16), QString());
        PromptsPanel panel(&document);
        QVERIFY2(titles(panel).contains("Training prompts</b> (one per line): 8 prompts"),
                 qPrintable(titles(panel)));
        QVERIFY2(titles(panel).contains("Evaluation prompts</b> (one per line): 16 prompts"),
                 qPrintable(titles(panel)));
        // Blank lines and surrounding spaces are not prompts.
        panel.evalEdit()->setPlainText("  one  \n\n two\n   \n");
        QVERIFY2(titles(panel).contains("(one per line): 2 prompts"), qPrintable(titles(panel)));
        QCOMPARE(document.project().evalPrompts, (std::vector<std::string>{"one", "two"}));
    }

    void notesSayWhatTheWinRateNeeds()
    {
        ProjectDocument document;
        document.reset(withPrompts(8, 16), QString());
        PromptsPanel panel(&document);
        // 12 of 16: lower bound 0.505; 11 of 16 would be 0.444.
        QVERIFY2(panel.notes()->text().contains("wins 12 of the 16 evaluation prompts"),
                 qPrintable(panel.notes()->text()));
        QVERIFY(!panel.notes()->text().contains("add more"));
        QVERIFY(panel.notes()->styleSheet().isEmpty()); // information, not a warning
        document.reset(withPrompts(8, 5), QString());
        QVERIFY2(panel.notes()->text().contains("wins 5 of the 5 evaluation prompts"),
                 qPrintable(panel.notes()->text()));
        QVERIFY(panel.notes()->text().contains("add more"));
        QVERIFY(!panel.notes()->styleSheet().isEmpty());
        document.reset(withPrompts(8, 3), QString());
        QVERIFY2(panel.notes()->text().contains("cannot pass 0.5 even if the tuned model wins "
                                                "them all"),
                 qPrintable(panel.notes()->text()));
        document.reset(withPrompts(8, 0), QString());
        QVERIFY(panel.notes()->text().isEmpty());
    }

    void notesNameRepeatedAndSharedPrompts()
    {
        ProjectDocument document;
        document.reset(withPrompts(2, 0), QString());
        PromptsPanel panel(&document);
        panel.evalEdit()->setPlainText("slow jazz\nfast techno\nslow jazz\nslow jazz\n"
                                       "train prompt 1\nambient <drone>\nambient <drone>");
        const QString notes = panel.notes()->text();
        // Two prompts repeat (jazz three times, the drone twice); the first is named.
        QVERIFY2(notes.contains("Listed more than once: 2 evaluation prompts (“slow jazz”)."),
                 qPrintable(notes));
        QVERIFY2(notes.contains("Also training prompts: 1 evaluation prompt (“train prompt 1”)."),
                 qPrintable(notes));
        QVERIFY(!panel.notes()->styleSheet().isEmpty());
        // The notes are rich text: a prompt's markup is shown, never interpreted.
        panel.evalEdit()->setPlainText("<b>loud</b>\n<b>loud</b>");
        QVERIFY2(panel.notes()->text().contains("“&lt;b&gt;loud&lt;/b&gt;”"),
                 qPrintable(panel.notes()->text()));
        // A clean list has neither note.
        panel.evalEdit()->setPlainText("a\nb\nc\nd\ne\nf\ng\nh");
        QVERIFY(!panel.notes()->text().contains("more than once"));
        QVERIFY(!panel.notes()->text().contains("also training"));
        QVERIFY(panel.notes()->styleSheet().isEmpty());
    }
};

QTEST_MAIN(TestPromptsPanel)
#include "tst_prompts_panel.moc"
