#pragma once

#include <QString>
#include <QVector>
#include <QWidget>

class ClipView;
class PlaybackController;
class QLabel;
class QListWidget;

// One clip offered for listening: where it is, what made it and what the reward said.
struct AuditionEntry
{
    QString path;
    QString prompt;
    quint64 seed = 0;
    double reward = 0;
    QString details; // further lines for the selected clip (per-term values, ...)
};

// D+ and D- side by side: two lists (reward, prompt, seed), the selected clip's waveform and
// spectrogram with a moving playhead, and the keys of an A/B listening session: Space plays or
// stops, Up/Down move in a list, A or Tab switches to the paired clip in the other list at the
// same playback position, L loops. Row i of one list is paired with row i of the other.
// Used by the reward preview, by training rounds and by the base-vs-tuned compare.
class AuditionView : public QWidget
{
    Q_OBJECT
public:
    AuditionView(PlaybackController *playback, QWidget *parent = nullptr);

    // Replaces the lists. The selected clip stays selected (nothing jumps, nothing restarts)
    // when it is still listed; otherwise the first D+ clip is selected.
    void setEntries(const QVector<AuditionEntry> &positives,
                    const QVector<AuditionEntry> &negatives);
    void clear() { setEntries({}, {}); }
    // The captions above the two lists (rich text; default "D+ highest reward", "D- lowest")
    // and the short names the selected clip's line starts with (default "D+", "D-").
    void setTitles(const QString &positives, const QString &negatives, const QString &positiveName,
                   const QString &negativeName);
    QListWidget *positiveList() const { return m_lists[0]; }
    QListWidget *negativeList() const { return m_lists[1]; }
    ClipView *clipView() const { return m_view; }
    QString currentPath() const;
    bool looping() const { return m_looping; }
    // Selects `path` in whichever list holds it (false when neither does).
    bool select(const QString &path);
    // Shows (and lets Space play) a clip that is in neither list, with `info` as its caption.
    void showClip(const QString &path, const QString &info);

public Q_SLOTS:
    void togglePlay();
    void switchToPair();
    void toggleLoop();
    // Keyboard focus to the list the selection is in, so Space, A/Tab and L work at once.
    void focusKeys();

Q_SIGNALS:
    void currentChanged(const QString &path);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void onCurrentRowChanged(int list, int row);
    void updateInfo();

    PlaybackController *m_playback;
    QListWidget *m_lists[2];
    QLabel *m_titles[2];
    QString m_shortNames[2] = {tr("D+"), tr("D−")};
    QVector<AuditionEntry> m_entries[2];
    int m_active = 0; // the list the selection is in
    ClipView *m_view;
    QLabel *m_info, *m_keys;
    bool m_looping = false;
    QString m_external; // a clip shown by showClip (no list selection)
};
